import { expect, test } from "vitest";
import { channelConfigJsonSchema } from "./schema.js";

// A schema change must show up as a visible diff here (and in the plugin manifest).
test("the generated JSON Schema is pinned", () => {
  expect(channelConfigJsonSchema).toMatchSnapshot();
});

test("the JSON Schema rejects unknown keys and requires accounts", () => {
  expect(channelConfigJsonSchema).toMatchObject({
    type: "object",
    additionalProperties: false,
    required: ["accounts"],
  });
});
