import time

time.sleep(6)  # a start-up over the free tier's 5 s, under the other tiers' 10 s
ITEMS = ["a", "b"]
