"""Files on disk that never half exist: written to a temporary file beside the target and moved
into place in one step, so a write that fails (a full disk, a broken upload stream, a killed
worker) leaves neither a partial file under the real name nor the temporary one."""

from __future__ import annotations

import os
import tempfile

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content: File) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        if self.directory_permissions_mode is not None:
            os.chmod(directory, self.directory_permissions_mode)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as target:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    target.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                target.flush()
                os.fsync(target.fileno())
            while True:
                try:
                    # A hard link fails if the name is taken, so a name in use is never
                    # overwritten by accident; the caller's next free name is tried instead.
                    os.link(temporary, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            os.unlink(temporary)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return str(name).replace("\\", "/")
