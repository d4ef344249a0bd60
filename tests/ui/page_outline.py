"""What the navigation and page-structure tests read from a rendered page, with the standard
library's HTML parser: the title, the h1 headings and the links of each named navigation."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class NavLink:
    href: str
    text: str
    current: str | None


@dataclass
class Outline:
    title: str = ""
    h1_count: int = 0
    navs: dict[str, list[NavLink]] = field(default_factory=dict)
    hrefs: list[str] = field(default_factory=list)

    def current_in(self, nav: str) -> list[NavLink]:
        return [link for link in self.navs.get(nav, []) if link.current]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.outline = Outline()
        self._nav_stack: list[str] = []
        self._in_title = False
        self._link: NavLink | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.outline.h1_count += 1
        elif tag == "nav":
            label = attrs.get("aria-label") or ""
            self._nav_stack.append(label)
            self.outline.navs.setdefault(label, [])
        elif tag == "a":
            href = attrs.get("href") or ""
            self.outline.hrefs.append(href)
            if self._nav_stack:
                self._link = NavLink(href=href, text="", current=attrs.get("aria-current"))
                self.outline.navs[self._nav_stack[-1]].append(self._link)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "nav" and self._nav_stack:
            self._nav_stack.pop()
        elif tag == "a":
            if self._link is not None:
                self._link.text = " ".join(self._link.text.split())
            self._link = None

    def handle_data(self, data):
        if self._in_title:
            self.outline.title += data
        if self._link is not None:
            self._link.text += data


def outline(html: str) -> Outline:
    parser = _Parser()
    parser.feed(html)
    parser.outline.title = " ".join(parser.outline.title.split())
    return parser.outline
