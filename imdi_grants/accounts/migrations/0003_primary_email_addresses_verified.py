"""Every existing user's own address (``User.email``, given by an administrator or an invitation)
becomes their verified primary address, so they keep logging in now that allauth refuses an
unconfirmed address (``ACCOUNT_EMAIL_VERIFICATION = "mandatory"``). Addresses users added
themselves stay as they are: unconfirmed ones must be confirmed by e-mail first."""

from django.db import migrations


def primary_addresses_verify(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.iterator():
        email = user.email.strip().lower()
        if not email:
            continue
        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        taken = (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .exclude(user=user)
            .exists()
        )
        if address is None and taken:
            continue  # another user has confirmed it: leave it theirs
        if address is None:
            address = EmailAddress(user=user, email=email)
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
            primary=False
        )
        address.primary = True
        address.verified = address.verified or not taken
        address.save()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_user_staff_role"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(primary_addresses_verify, migrations.RunPython.noop),
    ]
