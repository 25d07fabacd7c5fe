import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oidcSecondFactor, providerAssertsMfa } from './oidc-mfa.js';

test('providerAssertsMfa() counts only the amr and acr values the deployment lists', () => {
  const cases: [amr: string[], acr: string | undefined, amrValues: string[], acrValues: string[], expected: boolean][] = [
    [['pwd', 'otp'], undefined, [], [], false],
    [['mfa'], 'urn:hospital:loa:2', [], [], false],
    [['pwd', 'otp'], undefined, ['otp', 'hwk'], [], true],
    [['pwd'], undefined, ['otp', 'hwk'], [], false],
    [['pwd'], '2', [], ['2'], true],
    [['pwd'], '1', [], ['2'], false],
    [[], undefined, ['mfa'], ['2'], false],
  ];
  for (const [amr, acr, amrValues, acrValues, expected] of cases) {
    assert.equal(providerAssertsMfa({ amr, acr }, { amrValues, acrValues }), expected, `amr=${amr.join(',')} acr=${acr} policy=${amrValues.join(',')}/${acrValues.join(',')}`);
  }
});

test('oidcSecondFactor() takes the provider factor when it counts, else the enrolled TOTP, else enrolment for MFA roles', () => {
  const cases: [providerMfa: boolean, totpEnrolled: boolean, rolesNeedMfa: boolean, expected: string][] = [
    [true, true, true, 'provider'],
    [true, false, true, 'provider'],
    [true, false, false, 'provider'],
    [false, true, true, 'totp'],
    [false, true, false, 'totp'],
    [false, false, true, 'enrol'],
    [false, false, false, 'none'],
  ];
  for (const [providerMfa, totpEnrolled, rolesNeedMfa, expected] of cases) {
    assert.equal(oidcSecondFactor({ providerMfa, totpEnrolled, rolesNeedMfa }), expected, JSON.stringify({ providerMfa, totpEnrolled, rolesNeedMfa }));
  }
});
