"""Single files from node_modules served as static files, for packages whose folders cannot be served whole.

tfjs-backend-wasm's dist/ holds .js files naming source maps it does not ship,
which ManifestStaticFilesStorage's collectstatic refuses; the browser needs only
its .wasm binaries. settings.NPM_STATIC_FILES maps each static name to its file.
"""

import os

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class NpmFilesFinder(BaseFinder):
    def check(self, **kwargs) -> list:
        return []

    def find(self, path, find_all=False, **kwargs):
        file = settings.NPM_STATIC_FILES.get(path)
        match = str(file) if file is not None and file.is_file() else None
        if find_all:
            return [match] if match else []
        return match or []  # Django's finders answer [] for "not here"

    def list(self, ignore_patterns):
        for name, file in settings.NPM_STATIC_FILES.items():
            if file.is_file():
                storage = FileSystemStorage(location=file.parent)
                storage.prefix = os.path.dirname(name)  # collectstatic writes prefix/file name
                yield file.name, storage
