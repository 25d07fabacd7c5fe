/**
 * Loads the Emscripten builds of the @cornerstonejs codecs from the installed npm packages
 * (never over the network), once per process and only when a frame of their syntax first
 * arrives, and turns anything they throw into a MedVeilError.
 */
import { createRequire } from 'node:module';
import { MedVeilError } from '../errors.js';

const require = createRequire(import.meta.url);

/** An Embind class instance: it lives in the module's heap until `delete()`. */
export interface EmbindObject {
  delete(): void;
}

/** The frame description the cornerstone codecs exchange with JavaScript. */
export interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  isUsingColorTransform?: boolean;
}

/** Emscripten's MODULARIZE factory; `print` and `printErr` take what the C code writes to stdout and stderr. */
type ModuleFactory<M> = (options: { print: (text: string) => void; printErr: (text: string) => void }) => Promise<M>;

/**
 * OpenJPEG reports progress on stdout, which a CLI or a server must keep for itself; failures
 * surface as exceptions. A new object each time: Emscripten makes the object it is given the
 * module itself, so two modules given one object would overwrite each other's exports.
 */
function quietModuleOptions(): { print: (text: string) => void; printErr: (text: string) => void } {
  return { print: () => {}, printErr: () => {} };
}

/**
 * A lazily instantiated module. A module that threw is dropped: an Emscripten abort leaves its
 * heap unusable, so the next frame gets a fresh instance rather than a poisoned one.
 */
export class WasmCodecModule<M> {
  readonly #specifier: string;
  #instance: Promise<M> | undefined;

  constructor(specifier: string) {
    this.#specifier = specifier;
  }

  /**
   * Runs `work` against the module. Whatever the module throws (a C++ exception surfaces as a
   * number or a string, an abort as a RuntimeError) becomes a 'pixels' MedVeilError saying `what`.
   */
  async run<T>(what: string, work: (module: M) => T): Promise<T> {
    let module: M;
    try {
      module = await this.#load();
    } catch (error) {
      throw new MedVeilError('pixels', `${what}: the codec ${this.#specifier} could not be loaded`, {
        cause: error,
        hint: 'reinstall MedVeil\'s dependencies with `npm ci`',
      });
    }
    try {
      return work(module);
    } catch (error) {
      if (error instanceof MedVeilError) throw error;
      this.#instance = undefined;
      throw new MedVeilError('pixels', `${what}: the codec rejected the frame`, { cause: error });
    }
  }

  #load(): Promise<M> {
    if (this.#instance === undefined) {
      const loaded = require(this.#specifier) as ModuleFactory<M> | { default: ModuleFactory<M> };
      const factory = typeof loaded === 'function' ? loaded : loaded.default;
      const instance = factory(quietModuleOptions());
      instance.catch(() => {
        if (this.#instance === instance) this.#instance = undefined;
      });
      this.#instance = instance;
    }
    return this.#instance;
  }
}

/** Runs `work` with `object` and frees it from the module's heap afterwards, whatever happened. */
export function withEmbindObject<O extends EmbindObject, T>(object: O, work: (object: O) => T): T {
  try {
    return work(object);
  } finally {
    object.delete();
  }
}
