"""Webhook signatures: what the sender signs, a receiver can verify, and nothing else verifies."""

from anxin.notifications import signing


def test_the_signature_helpers_agree_with_each_other():
    body = b'{"event":"case.approve"}'
    signature = signing.sign(secret="s3cret", timestamp=1_800_000_000, body=body)
    assert signature.startswith("sha256=")
    assert signing.verify(
        secret="s3cret", timestamp="1800000000", body=body, signature=signature, now=1_800_000_100
    )
    # a changed body, secret or timestamp, or a stale timestamp, fails
    assert not signing.verify(
        secret="s3cret",
        timestamp=1_800_000_000,
        body=body + b" ",
        signature=signature,
        now=1_800_000_000,
    )
    assert not signing.verify(
        secret="other", timestamp=1_800_000_000, body=body, signature=signature, now=1_800_000_000
    )
    assert not signing.verify(
        secret="s3cret", timestamp=1_800_000_001, body=body, signature=signature, now=1_800_000_000
    )
    assert not signing.verify(
        secret="s3cret", timestamp=1_800_000_000, body=body, signature=signature, now=1_800_000_301
    )
    assert signing.verify(
        secret="s3cret", timestamp=1_800_000_000, body=body, signature=signature, tolerance=None
    )
