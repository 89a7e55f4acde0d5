"""What the knowledge API returns."""

from datetime import datetime

from ninja import Schema


class ArticleOut(Schema):
    slug: str
    category: str | None
    title: str
    url: str
    helpful_yes: int
    helpful_no: int
    published_at: datetime | None


class ArticleDetailOut(ArticleOut):
    title_zh: str
    title_en: str
    body: str
    body_zh: str
    body_en: str


class ArticleList(Schema):
    items: list[ArticleOut]
