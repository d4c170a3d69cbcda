"""Print what a visitor gets from the site, one line per address, to compare two databases.

Every live page in every language (status, title and main heading), the pages' own listing of
links, and every document (status and SHA-256 of the bytes served). Run with the settings and
DATABASE_URL / MEDIA_ROOT of the site to describe; used by .ci/backup_restore_check.sh.
"""

import hashlib
import re
import sys

import django

django.setup()

from django.test import Client  # noqa: E402

from wagtail.documents import get_document_model  # noqa: E402
from wagtail.models import Page  # noqa: E402

TITLE = re.compile(rb"<title>(.*?)</title>", re.S)
HEADING = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.S)
TAG_OR_SPACE = re.compile(rb"<[^>]+>|\s+")
LINK = re.compile(rb'href="(/[^"#?]*)"')

client = Client(HTTP_HOST="localhost")
lines = []
pages = Page.objects.live().public().filter(depth__gt=1).order_by("path")
for page in pages:
    url = page.get_url()
    response = client.get(url)
    body = response.content
    title = TITLE.search(body)
    heading = HEADING.search(body)
    title = title[1].strip().decode() if title else ""
    heading = TAG_OR_SPACE.sub(b" ", heading[1]).strip().decode() if heading else ""
    links = hashlib.sha256(b" ".join(sorted(set(LINK.findall(body))))).hexdigest()[:16]
    lines.append(f"page {url} {response.status_code} title={title!r} h1={heading!r} links={links}")
for document in get_document_model().objects.order_by("pk"):
    response = client.get(document.url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    lines.append(f"document {document.url} {response.status_code} sha256={hashlib.sha256(content).hexdigest()}")

failures = [line for line in lines if " 200 " not in line]
if failures:
    sys.exit("Not served:\n" + "\n".join(failures))
if len(lines) < 10:
    sys.exit(f"Only {len(lines)} pages and documents found: is this the seeded site?")
sys.stdout.write("\n".join(lines) + "\n")
