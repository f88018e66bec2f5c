#!/usr/bin/env python3
"""Extract the operations the GitHub simulator serves from @octokit/openapi.

Usage:
  python3 extract-openapi-subset.py \
      /path/to/node_modules/@octokit/openapi/generated/api.github.com.deref.json \
      > openapi-subset.json

Reads the dereferenced description (all $refs resolved) so the output is
self-contained. For each operation it keeps:
  * requestSchema: the application/json request body schema, converted from
    OpenAPI 3.0 to JSON Schema (draft 7): `nullable: true` becomes a type union
    with "null"; descriptions/examples are dropped to keep the file small.
  * responseRequired: the `required` property names of the success response
    (for arrays: of the item), so the simulator's answers can be checked for
    GitHub's shape.
The package name and version are recorded in the output (`source`).
"""
import json
import sys

OPERATIONS = [
    ("/app", "get"),
    ("/app/installations/{installation_id}/access_tokens", "post"),
    ("/repos/{owner}/{repo}/contents/{path}", "get"),
    ("/repos/{owner}/{repo}/check-runs", "post"),
    ("/repos/{owner}/{repo}/check-runs/{check_run_id}", "patch"),
    ("/repos/{owner}/{repo}/commits/{ref}/check-runs", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}/files", "get"),
    ("/repos/{owner}/{repo}/compare/{basehead}", "get"),
    ("/repos/{owner}/{repo}/issues", "post"),
    ("/repos/{owner}/{repo}/issues/{issue_number}/comments", "post"),
    ("/app/hook/deliveries", "get"),
    ("/app/hook/deliveries/{delivery_id}/attempts", "post"),
    # Issue 15: first-run setup from a manifest, the setup page, the record's reconciliation.
    ("/app-manifests/{code}/conversions", "post"),
    ("/app/installations/{installation_id}", "get"),
    ("/app/installations", "get"),
    ("/installation/repositories", "get"),
    ("/repos/{owner}/{repo}/installation", "get"),
    ("/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "get"),
    ("/repos/{owner}/{repo}/statuses/{sha}", "post"),
    ("/meta", "get"),
    # Issue 13: what jobs write through the gateway (RepositoryWrites).
    ("/repos/{owner}/{repo}/commits/{commit_sha}/comments", "post"),
    ("/repos/{owner}/{repo}/releases", "post"),
    ("/repos/{owner}/{repo}/releases/{release_id}/assets", "post"),
    ("/repos/{owner}/{repo}/contents/{path}", "put"),
    # Issue 16: GitHub login (user tokens): who the user is, what they may read, admin teams.
    ("/user", "get"),
    ("/repos/{owner}/{repo}", "get"),
    ("/orgs/{org}/teams/{team_slug}/memberships/{username}", "get"),
    ("/repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest", "post"),
]

DROP = {"description", "example", "examples", "title", "x-github", "externalDocs"}


def convert(node):
    """OpenAPI 3.0 schema object -> JSON Schema draft 7."""
    if isinstance(node, list):
        return [convert(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in DROP:
            continue
        if key == "properties":
            # property names are data, not keywords: never drop them
            out[key] = {name: convert(schema) for name, schema in value.items()}
        else:
            out[key] = convert(value)
    if out.pop("nullable", False):
        if "type" in out:
            t = out["type"]
            out["type"] = (t if isinstance(t, list) else [t]) + ["null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = out["enum"] + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def success_required(op):
    for code in ("200", "201", "202"):
        resp = op.get("responses", {}).get(code)
        if not resp:
            continue
        content = resp.get("content", {})
        media = content.get("application/json") or next(iter(content.values()), None)
        if not media or "schema" not in media:
            return []
        schema = media["schema"]
        if schema.get("type") == "array":
            schema = schema.get("items", {})
        required = set(schema.get("required", []))
        for part in schema.get("allOf", []):  # e.g. the manifest conversion: an App + its secrets
            required |= set(part.get("required", []))
        return sorted(required)
    return []


def main():
    path = sys.argv[1]
    with open(path) as f:
        spec = json.load(f)
    with open(path.rsplit("/generated/", 1)[0] + "/package.json") as f:
        pkg = json.load(f)
    operations = {}
    for p, m in OPERATIONS:
        op = spec["paths"][p][m]
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        entry = {"path": p, "method": m.upper()}
        if "schema" in body:
            schema = convert(body["schema"])
            schema["$schema"] = "http://json-schema.org/draft-07/schema#"
            entry["requestSchema"] = schema
        entry["responseRequired"] = success_required(op)
        operations[op["operationId"]] = entry
    out = {
        "source": {"package": pkg["name"], "version": pkg["version"],
                   "file": "generated/api.github.com.deref.json"},
        "operations": operations,
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
