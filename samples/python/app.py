import platform
import sys

print(f"hello from Python {platform.python_version()} on {sys.platform}; 6*7 = {6 * 7}")
