import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";

// @prisma/schema-engine-wasm is built for bundlers: its entry point does
// `import * as wasm from "./schema_engine_bg.wasm"`, which Node cannot load. So we
// import only the JS glue and instantiate the .wasm file ourselves.

export type SchemaEngineModule = typeof glue;

/** The import namespace the .wasm file expects its JS glue under. */
const GLUE_MODULE_NAME = "./schema_engine_bg.js";

interface PanicRegistry {
  get(): string;
  set_message(message: string): void;
}

let loading: Promise<SchemaEngineModule> | undefined;

/**
 * Compiles and instantiates the schema engine once per process. The glue keeps the
 * instance in a module-level variable, so a second instantiation would swap the memory
 * under engines that are still running.
 */
export function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  if (!loading) {
    loading = instantiate().catch((error: unknown) => {
      loading = undefined; // Nothing was installed: let a later call try again.
      throw error;
    });
  }
  return loading;
}

async function instantiate(): Promise<SchemaEngineModule> {
  installPanicRegistry();
  const wasmPath = schemaEngineWasmPath();
  const bytes = await readFile(wasmPath);
  // Asynchronous compile: 5 MB of wasm would otherwise block the event loop, and with
  // it the progress messages and any server that is starting alongside.
  const module = await WebAssembly.compile(bytes);
  const expected = WebAssembly.Module.imports(module).map((entry) => entry.module);
  const unexpected = expected.find((name) => name !== GLUE_MODULE_NAME);
  if (unexpected) {
    throw new Error(`schema engine at \`${wasmPath}\` imports \`${unexpected}\`, which this loader does not provide`);
  }
  const imports = { [GLUE_MODULE_NAME]: glue as unknown as WebAssembly.ModuleImports };
  const instance = await WebAssembly.instantiate(module, imports);
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

function schemaEngineWasmPath(): string {
  // The package exports no path to the .wasm file, but it sits beside the glue.
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  return path.join(path.dirname(gluePath), "schema_engine_bg.wasm");
}

/**
 * A Rust panic reaches JS as a bare `RuntimeError: unreachable`; the engine's panic hook
 * stores the real message in this global registry. Prisma's own runtimes install the same
 * registry, so an existing one is kept.
 */
function installPanicRegistry(): void {
  const scope = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  if (scope.PRISMA_WASM_PANIC_REGISTRY) return;
  let message = "";
  scope.PRISMA_WASM_PANIC_REGISTRY = {
    get: () => message,
    set_message: (value: string) => {
      message = value;
    },
  };
}

/** The message of the last engine panic, if any. */
export function lastPanicMessage(): string {
  const scope = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  return scope.PRISMA_WASM_PANIC_REGISTRY?.get() ?? "";
}
