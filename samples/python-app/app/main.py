"""python-app: prints what its dependency, six (installed from a pinned wheel), returns."""
import six

print("python-app: six %s says %s" % (six.__version__, six.ensure_str(b"hello")))
