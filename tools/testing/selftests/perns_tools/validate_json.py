#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""validate_json.py SCHEMA FILE: check FILE against the JSON Schema subset
that lsdevns.schema.json uses (type, required, properties,
additionalProperties, items, enum, minimum, pattern).  Prints "valid" and
exits 0, or prints the first violation and exits 1."""
import json
import re
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$schema", "$id", "title", "description", "type", "required",
         "properties", "additionalProperties", "items", "enum", "minimum",
         "pattern"}


def check(schema, v, path):
    unknown = set(schema) - KNOWN
    if unknown:
        raise SystemExit("validator: unsupported schema keywords %s" % sorted(unknown))
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](v) for t in types):
            return "%s: %r is not of type %s" % (path, v, "/".join(types))
    if "enum" in schema and v not in schema["enum"]:
        return "%s: %r not in %r" % (path, v, schema["enum"])
    if "minimum" in schema and TYPES["number"](v) and v < schema["minimum"]:
        return "%s: %r below %r" % (path, v, schema["minimum"])
    if "pattern" in schema and isinstance(v, str) and not re.search(schema["pattern"], v):
        return "%s: %r does not match %s" % (path, v, schema["pattern"])
    if isinstance(v, dict):
        for k in schema.get("required", []):
            if k not in v:
                return "%s: missing key %r" % (path, k)
        props = schema.get("properties", {})
        for k, sub in v.items():
            if k in props:
                err = check(props[k], sub, "%s.%s" % (path, k))
                if err:
                    return err
            elif schema.get("additionalProperties", True) is False:
                return "%s: unexpected key %r" % (path, k)
    if isinstance(v, list) and "items" in schema:
        for i, sub in enumerate(v):
            err = check(schema["items"], sub, "%s[%d]" % (path, i))
            if err:
                return err
    return None


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: validate_json.py SCHEMA FILE")
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    with open(sys.argv[2], "rb") as f:
        try:
            doc = json.loads(f.read().decode("utf-8"))
        except ValueError as e:
            print("invalid: not JSON: %s" % e)
            return 1
    err = check(schema, doc, "$")
    if err:
        print("invalid: " + err)
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
