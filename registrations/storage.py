"""Storage for uploads that the web server must never serve (notes verbales): under PRIVATE_MEDIA_ROOT.

The folder is read from settings on every use, so tests (and deployments) can point it elsewhere. Files have no
public URL: views that check the requester's rights stream them.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="registrations.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(file_permissions_mode=0o640, directory_permissions_mode=0o750)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; a view that checks rights serves them.")


private_storage = PrivateStorage()
