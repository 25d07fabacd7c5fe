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

type ModuleFactory<M> = () => Promise<M>;

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
    const module = await this.#load();
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
      const instance = factory();
      instance.catch(() => {
        if (this.#instance === instance) this.#instance = undefined;
      });
      this.#instance = instance;
    }
    return this.#instance;
  }
}

/** Runs `work` with `object` and frees it from the module's heap afterwards, whatever happened. */
export function using<O extends EmbindObject, T>(object: O, work: (object: O) => T): T {
  try {
    return work(object);
  } finally {
    object.delete();
  }
}
