"""Pages anyone may read without signing in: a shop's credit and reviews, a product's reviews,
the platform's quality notices (公示). They show no personal data: reviewers are masked, and the
figures are the domain apps' public selectors'."""
