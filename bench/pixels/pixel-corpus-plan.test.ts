import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planImages, RULE_REGION, SIZE } from './pixel-corpus-plan.js';

test('planImages() plans the same corpus every time, texts first, with distinct UIDs', () => {
  const counts = { withText: 5, withoutText: 2 };
  const plans = planImages(counts);
  assert.deepEqual(planImages(counts), plans);
  assert.deepEqual(plans.map((p) => p.texts.length), [6, 6, 6, 6, 6, 0, 0]);
  const uids = plans.flatMap((p) => [p.studyUid, p.seriesUid, p.sopInstanceUid]);
  assert.equal(new Set(uids).size, uids.length);
  for (const uid of uids) assert.match(uid, /^2\.25\.[1-9][0-9]*$/);
});

test('planImages(): only the name line starts inside the rule, and every text starts inside the image', () => {
  for (const plan of planImages({ withText: 20, withoutText: 0 })) {
    const [name, ...others] = plan.texts;
    assert.equal(name!.text, plan.patientName);
    assert.ok(name!.y + name!.size <= RULE_REGION.height, 'the name line fits under the rule');
    for (const text of others) assert.ok(text.y >= RULE_REGION.height || text.x >= RULE_REGION.width, `${text.text} is outside the rule`);
    for (const text of plan.texts) {
      assert.ok(text.x >= 0 && text.y >= 0 && text.y + 2 * text.size <= SIZE, `${text.text} starts inside`);
      assert.ok(text.x + text.text.length * text.size * 0.62 <= SIZE - 40, `${text.text} ends before the right edge`);
      assert.ok(text.value >= 0.5 && text.value <= 1);
    }
  }
});
