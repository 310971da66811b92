/** An RFC 9457 problem+json error body with the sandbox's machine-readable code. */
export const problemSchema = {
  "$id": "https://payharness.dev/schemas/problem.json",
  "title": "Problem",
  "description": "An RFC 9457 problem+json error body with the sandbox's machine-readable code.",
  "type": "object",
  "required": [
    "type",
    "title",
    "status"
  ],
  "properties": {
    "type": {
      "type": "string",
      "minLength": 1
    },
    "title": {
      "type": "string",
      "minLength": 1
    },
    "status": {
      "type": "integer",
      "minimum": 400,
      "maximum": 599
    },
    "detail": {
      "type": "string"
    },
    "code": {
      "type": "string",
      "pattern": "^[a-z][a-z0-9_]*$"
    }
  }
} as const;
