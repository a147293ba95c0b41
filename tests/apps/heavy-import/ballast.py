TABLE = b"x" * (85 * 1024 * 1024)  # touched, so resident (not a lazily mapped zero page)
