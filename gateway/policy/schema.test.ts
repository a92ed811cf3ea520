import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { policyJsonSchema } from "./schema";
import { loadCorpus, type ValidCase } from "./testdata/load";

describe("policyJsonSchema", () => {
  const schema = policyJsonSchema();
  const validate = new Ajv2020({ strict: false }).compile(schema);

  it("describes strict objects, for editors and the OpenAPI document", () => {
    expect(schema).toMatchObject({ type: "object", additionalProperties: false, required: ["version", "default"] });
  });

  it.each(loadCorpus<ValidCase[]>("valid-policies.json"))("accepts the valid document: $name", ({ document }) => {
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  });

  it("rejects an unknown field as the zod schema does", () => {
    expect(validate({ version: "1", default: "deny", tool: {} })).toBe(false);
  });
});
