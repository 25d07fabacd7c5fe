import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { repoRoot } from './support/repo-root.js';

// The console's sources are TypeScript for Vite (web/tsconfig.json), not compiled by the
// server's tsc: tsx loads them as they are.
async function consoleModule<T>(relative: string): Promise<T> {
  return (await tsImport(pathToFileURL(join(repoRoot(), 'web', 'src', relative)).href, import.meta.url)) as T;
}

type Catalogue = Record<string, string>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

test('the Chinese and English message catalogues have exactly the same keys, each a non-empty text with the same placeholders', async () => {
  const { zhCN } = await consoleModule<{ zhCN: Catalogue }>('i18n/zh-CN.ts');
  const { en } = await consoleModule<{ en: Catalogue }>('i18n/en.ts');
  const zhKeys = Object.keys(zhCN).sort();
  const enKeys = Object.keys(en).sort();
  assert.deepEqual(
    { onlyInChinese: zhKeys.filter((key) => !(key in en)), onlyInEnglish: enKeys.filter((key) => !(key in zhCN)) },
    { onlyInChinese: [], onlyInEnglish: [] },
  );
  assert.ok(zhKeys.length > 50, `only ${zhKeys.length} keys: the catalogues did not load`);
  for (const key of zhKeys) {
    assert.ok(zhCN[key]!.trim() !== '' && en[key]!.trim() !== '', `${key} is empty in a catalogue`);
    assert.deepEqual(placeholders(zhCN[key]!), placeholders(en[key]!), `${key}: the placeholders differ`);
  }
  // The Chinese catalogue is Chinese: a key left in English there would show as English to a Chinese reader.
  const untranslated = zhKeys.filter((key) => key !== 'app.name' && !/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/.test(zhCN[key]!));
  assert.deepEqual(untranslated, []);
});

test('preferredLanguage(): a stored choice wins, then the first Chinese or English browser language, then English', async () => {
  const { preferredLanguage } = await consoleModule<{ preferredLanguage: (stored: string | null, languages: readonly string[]) => string }>('i18n/language.ts');
  const cases: [string | null, string[], string][] = [
    [null, ['zh-CN', 'en-US'], 'zh-CN'],
    [null, ['zh'], 'zh-CN'],
    [null, ['zh-Hans-CN'], 'zh-CN'],
    [null, ['en-GB', 'zh-CN'], 'en'],
    [null, ['fr-FR', 'zh-CN', 'en'], 'zh-CN'],
    [null, ['fr-FR', 'de'], 'en'],
    [null, [], 'en'],
    ['en', ['zh-CN'], 'en'],
    ['zh-CN', ['en-US'], 'zh-CN'],
    ['klingon', ['zh-CN'], 'zh-CN'],
  ];
  for (const [stored, languages, expected] of cases) assert.equal(preferredLanguage(stored, languages), expected, `${stored} ${languages.join(',')}`);
});

test('the console knows every role of the server, each named in both catalogues', async () => {
  const { ROLES: serverRoles } = await import('../src/access/role.js');
  const { ROLES: consoleRoles } = await consoleModule<{ ROLES: readonly string[] }>('api/client.ts');
  assert.deepEqual([...consoleRoles], [...serverRoles]);
  const { zhCN } = await consoleModule<{ zhCN: Catalogue }>('i18n/zh-CN.ts');
  assert.deepEqual(serverRoles.filter((role) => zhCN[`role.${role}`] === undefined), []);
});
