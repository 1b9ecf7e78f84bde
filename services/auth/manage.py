#!/usr/bin/env python
from smart360.django import manage

if __name__ == "__main__":
    manage("auth.settings")
