"""Run in the built image as `python -X importtime -c <this>`, in the app's working directory.

Imports the app module as gunicorn does, then prints one line, MARK + JSON: its routes (from
its url_map) and what each of app.py's own imports added to this process's resident memory.
The import times are -X importtime's lines on stderr after the `MARK imports` line.
"""
import builtins
import json
import os
import sys

MARK = "@@deploy-check@@"
MAX_ROUTES = 500


def rss():
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def main():
    sys.path.insert(0, os.getcwd())
    result = {"routes": [], "error": None, "imports_memory": [], "rss_before": rss()}
    seen = set()
    original = builtins.__import__

    def counting(name, globals=None, locals=None, fromlist=(), level=0):
        # Only the import statements of app.py itself, each top-level package once.
        top = name.partition(".")[0]
        if level or not globals or globals.get("__name__") != "app" or top in seen:
            return original(name, globals, locals, fromlist, level)
        seen.add(top)
        before = rss()
        try:
            return original(name, globals, locals, fromlist, level)
        finally:
            result["imports_memory"].append([top, max(0, rss() - before)])

    sys.stderr.write(MARK + "imports\n")
    sys.stderr.flush()
    builtins.__import__ = counting
    module = None
    try:
        import app as module
    except BaseException as error:  # noqa: B036 - anything the app raises is what we report
        result["error"] = (type(error).__name__ + ": " + str(error))[:300]
    finally:
        builtins.__import__ = original
    sys.stderr.write(MARK + "imported\n")
    sys.stderr.flush()
    result["rss_after"] = rss()
    application = getattr(module, "app", None)
    url_map = getattr(application, "url_map", None)
    if url_map is not None:
        try:
            for rule in list(url_map.iter_rules())[:MAX_ROUTES]:
                view = application.view_functions.get(rule.endpoint)
                while hasattr(view, "__wrapped__"):
                    view = view.__wrapped__
                code = getattr(view, "__code__", None)
                result["routes"].append({
                    "rule": str(rule.rule), "endpoint": str(rule.endpoint),
                    "methods": sorted(str(m) for m in (rule.methods or ())),
                    "arguments": sorted(str(a) for a in (rule.arguments or ())),
                    "file": getattr(code, "co_filename", None), "line": getattr(code, "co_firstlineno", None),
                })
        except Exception as error:  # noqa: BLE001
            result["error"] = result["error"] or ("url_map: " + type(error).__name__ + ": " + str(error))[:300]
    elif result["error"] is None:
        result["error"] = "app.py binds no Flask `app` with a url_map"
    sys.stdout.write("\n" + MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


main()
