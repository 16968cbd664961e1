"""ok()/done() for the opencost client checks: one line per check, a count at the end."""
fails = 0


def ok(cond, what):
    """Print the check as ok/FAIL; count failures."""
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def done(name):
    """Print the closing line and return the exit status."""
    print(f"{name}: {'all passed' if not fails else str(fails) + ' failed'}")
    return 1 if fails else 0
