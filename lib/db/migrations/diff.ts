import type { DiffTarget } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { openOfflineSchemaEngine } from "./engine";

export interface SchemaSource {
  path: string;
  content: string;
}

/**
 * The SQL that takes a database from schema `from` (or from nothing) to schema `to`, or
 * null when they describe the same database. Works without a database: the engine diffs
 * the two datamodels, which is also the only diff that works here (diffing from a live
 * database or from replayed migrations fails in the wasm engine).
 */
export async function diffSchemas(from: SchemaSource | null, to: SchemaSource): Promise<string | null> {
  const handle = await openOfflineSchemaEngine();
  try {
    const result = await handle.engine
      .diff({
        from: from ? datamodel(from) : { tag: "empty" },
        to: datamodel(to),
        script: true,
        // With exitCode set the engine answers 2 when the diff is not empty, 0 otherwise:
        // more reliable than recognising its "empty migration" comment.
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      })
      .catch((error: unknown) => {
        // Kept whole: schema validation errors come as a formatted, multi-line report.
        throw new Error(`cannot diff the schemas:\n${handle.explain(error).message}`);
      });
    return result.exitCode === 2 ? (result.stdout ?? "") : null;
  } finally {
    await handle.close();
  }
}

function datamodel(source: SchemaSource): DiffTarget {
  return { tag: "schemaDatamodel", files: [{ path: source.path, content: source.content }] };
}
