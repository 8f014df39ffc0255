from bot.adapters.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_per_user_and_window_slides() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock)
    assert [limiter.allow("alice") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("bob")
    clock.now += 61
    assert limiter.allow("alice")


def test_zero_disables_the_limit() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.allow("alice") for _ in range(1000))
