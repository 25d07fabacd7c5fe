export { ACTIONS, type Action, type RequestedAction, isAction, parseAction } from './action.js';
export type { AccessResource, StudyFacts } from './access-resource.js';
export { type Actor, type ActorInput, parseActor } from './actor.js';
export { BREAK_GLASS_MAX_MS, type BreakGlass, type BreakGlassState, breakGlassState } from './break-glass.js';
export { type Classification, type SensitivityFacts, classifySensitivity, classifyStudySensitivity } from './classify-sensitivity.js';
export { type AccessDecision, type AccessRequest, decideAccess } from './decide-access.js';
export { DEFAULT_SENSITIVITY_RULES } from './default-sensitivity-rules.js';
export { type Grant, type GrantScope, type GrantState, grantCovers, grantState } from './grant.js';
export { BREAK_GLASS_ROLES, type Effect, POLICY_TABLE, type PolicyRow, type Relation, ROLES_WITHOUT_DATA_ACCESS } from './policy-table.js';
export { REASON_CODES, type ReasonCode } from './reason-code.js';
export { ROLES, type Role, isRole, parseRole } from './role.js';
export { SENSITIVITY_LEVELS, type SensitivityLevel, isSensitivityLevel } from './sensitivity-level.js';
export {
  type SensitivityRule,
  type SensitivityRules,
  normaliseBodyPart,
  parseSensitivityRules,
  unknownDepartments,
} from './sensitivity-rules.js';
