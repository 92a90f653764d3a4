import { readFileSync, writeFileSync } from "node:fs";
import { expect, test } from "vitest";
import { channelConfigJsonSchema, generateChannelConfigJsonSchema } from "./schema.js";

const cachedUrl = new URL("./channel-config.schema.json", import.meta.url);

// `UPDATE_SCHEMA=1 pnpm vitest run src/schema.test.ts` rewrites the cache after a schema change (then biome format).
test("the cached JSON Schema is what zod generates from the schema", () => {
  const generated = generateChannelConfigJsonSchema();
  if (process.env.UPDATE_SCHEMA === "1") writeFileSync(cachedUrl, `${JSON.stringify(generated, null, 2)}\n`);
  // Compared as data, so formatting (biome) is free; any content drift fails.
  expect(JSON.parse(readFileSync(cachedUrl, "utf8")), "run with UPDATE_SCHEMA=1 to regenerate").toEqual(
    generated,
  );
  expect(channelConfigJsonSchema).toEqual(generated);
});

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
