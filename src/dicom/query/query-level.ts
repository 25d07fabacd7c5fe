/**
 * The levels of the Study Root Query/Retrieve Information Model (PS3.4 C.6.2) that MedVeil
 * answers: a query returns studies, series or instances. Patient attributes are held at the
 * study level, as the Study Root model does.
 */
export type QueryLevel = 'study' | 'series' | 'instance';

export const QUERY_LEVELS: readonly QueryLevel[] = ['study', 'series', 'instance'];

/**
 * The information entity an attribute belongs to (PS3.18 10.6.1.2.1 names them "Patient IE",
 * "Study IE", "Series IE", "Composite Instance IE"); Patient IE attributes may be matched at
 * every level.
 */
export type InformationEntity = 'patient' | 'study' | 'series' | 'instance';

const DEPTH: Record<InformationEntity, number> = { patient: 0, study: 1, series: 2, instance: 3 };

/** Whether `entity` lies at or above the query level, so that its attributes describe each match. */
export function entityAtOrAbove(entity: InformationEntity, level: QueryLevel): boolean {
  return DEPTH[entity] <= DEPTH[level];
}
