/**
 * DIMSE status codes with their standard names: the general statuses of PS3.7 Annex C and the
 * service-specific ones of PS3.4 (Storage B.2.3, Query/Retrieve C.4.1.1.4, C.4.2.1.5, C.4.3.1.4).
 */
export const DimseStatus = {
  // PS3.7 C.1, C.2, C.3.
  Success: 0x0000,
  Pending: 0xff00,
  /** C-FIND: matches are continuing, one or more Optional Keys were not supported (PS3.4 C.4.1.1.4). */
  PendingOptionalKeysNotSupported: 0xff01,
  Cancel: 0xfe00,

  // PS3.7 C.4 (general failures and warnings).
  AttributeListError: 0x0107,
  AttributeValueOutOfRange: 0x0116,
  ProcessingFailure: 0x0110,
  DuplicateSopInstance: 0x0111,
  NoSuchSopInstance: 0x0112,
  InvalidObjectInstance: 0x0117,
  NoSuchSopClass: 0x0118,
  SopClassNotSupported: 0x0122,
  NotAuthorized: 0x0124,
  DuplicateInvocation: 0x0210,
  UnrecognizedOperation: 0x0211,
  MistypedArgument: 0x0212,
  ResourceLimitation: 0x0213,

  // PS3.4 B.2.3 (Storage).
  RefusedOutOfResources: 0xa700,
  ErrorDataSetDoesNotMatchSopClass: 0xa900,
  ErrorCannotUnderstand: 0xc000,
  WarningCoercionOfDataElements: 0xb000,
  WarningElementsDiscarded: 0xb006,
  WarningDataSetDoesNotMatchSopClass: 0xb007,

  // PS3.4 C.4.1.1.4, C.4.2.1.5, C.4.3.1.4 (Query/Retrieve).
  RefusedOutOfResourcesUnableToCalculateNumberOfMatches: 0xa701,
  RefusedOutOfResourcesUnableToPerformSubOperations: 0xa702,
  RefusedMoveDestinationUnknown: 0xa801,
  IdentifierDoesNotMatchSopClass: 0xa900,
  UnableToProcess: 0xc000,
  WarningSubOperationsCompleteOneOrMoreFailures: 0xb000,
} as const;

export type DimseStatusCategory = 'success' | 'pending' | 'cancel' | 'warning' | 'failure';

/** The category of a status (PS3.7 C, PS3.4 Tables B.2-1 and C.4-1 to C.4-3). */
export function statusCategory(status: number): DimseStatusCategory {
  if (status === DimseStatus.Success) return 'success';
  if (status === DimseStatus.Pending || status === DimseStatus.PendingOptionalKeysNotSupported) return 'pending';
  if (status === DimseStatus.Cancel) return 'cancel';
  if (status === 0x0001 || (status & 0xf000) === 0xb000 || status === DimseStatus.AttributeListError || status === DimseStatus.AttributeValueOutOfRange) return 'warning';
  return 'failure';
}

/** "0xA801" */
export function formatStatus(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
}
