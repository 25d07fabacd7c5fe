import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MedVeilError } from '../errors.js';
import { type EmbindObject, WasmCodecModule, withEmbindObject } from './codec-wasm-module.js';

interface CharlsModule {
  JpegLSDecoder: new () => EmbindObject & { getEncodedBuffer(length: number): Uint8Array; decode(): void };
}
interface OpenJphModule {
  HTJ2KDecoder: new () => EmbindObject;
}

describe('WasmCodecModule', () => {
  it('loads one instance per module and keeps each module\'s exports its own (a regression: a shared options object merged them)', async () => {
    const charls = new WasmCodecModule<CharlsModule>('@cornerstonejs/codec-charls/wasmjs');
    const openJph = new WasmCodecModule<OpenJphModule>('@cornerstonejs/codec-openjph/wasmjs');
    const first = await charls.run('test', (module) => module);
    assert.equal(await charls.run('test', (module) => module), first);
    const other = await openJph.run('test', (module) => module);
    assert.notEqual(other as unknown, first as unknown);
    assert.equal('HTJ2KDecoder' in first, false);
    assert.equal('JpegLSDecoder' in other, false);
  });

  it('turns what the module throws into a pixels error and gives the next call a fresh instance', async () => {
    const charls = new WasmCodecModule<CharlsModule>('@cornerstonejs/codec-charls/wasmjs');
    const before = await charls.run('test', (module) => module);
    await assert.rejects(charls.run('garbage', (module) => withEmbindObject(new module.JpegLSDecoder(), (decoder) => {
      decoder.getEncodedBuffer(64).fill(0xff);
      decoder.decode();
    })), (error: unknown) => error instanceof MedVeilError && error.code === 'pixels' && /garbage/.test(error.message));
    assert.notEqual(await charls.run('test', (module) => module), before);
  });
});
