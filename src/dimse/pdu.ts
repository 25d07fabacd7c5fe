/**
 * The protocol data units of the DICOM upper layer (PS3.8 9.3) as plain data, named as the
 * standard names them. `decode-pdu.ts` reads them from attacker-controlled bytes and
 * `encode-pdu.ts` writes them.
 */

/** PDU types (PS3.8 9.3.1 Table 9-11 and the headings of 9.3.2-9.3.8). */
export const PduType = {
  AAssociateRQ: 0x01,
  AAssociateAC: 0x02,
  AAssociateRJ: 0x03,
  PDataTF: 0x04,
  AReleaseRQ: 0x05,
  AReleaseRP: 0x06,
  AAbort: 0x07,
} as const;
export type PduTypeCode = (typeof PduType)[keyof typeof PduType];

/** The DICOM Application Context Name (PS3.7 A.2.1); the only one defined. */
export const DICOM_APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';
/** Every PDU starts with type (1), reserved (1), length (4, big endian) (PS3.8 9.3.1). */
export const PDU_HEADER_LENGTH = 6;

/** SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4): what the requestor proposes for one SOP class. */
export interface RoleSelection {
  readonly sopClassUid: string;
  /** The association requestor may act as SCU for this SOP class. */
  readonly scuRole: boolean;
  /** The association requestor may act as SCP for this SOP class (what C-GET needs for storage). */
  readonly scpRole: boolean;
}

/** SOP Class Extended Negotiation sub-item (PS3.7 D.3.3.5): kept as bytes, never interpreted. */
export interface ExtendedNegotiation {
  readonly sopClassUid: string;
  readonly applicationInformation: Uint8Array;
}

/** User Identity Negotiation sub-item of the A-ASSOCIATE-RQ (PS3.7 D.3.3.7.1). The fields may hold a password. */
export interface UserIdentityRequest {
  /** 1 username, 2 username and passcode, 3 Kerberos, 4 SAML, 5 JWT. */
  readonly type: number;
  readonly positiveResponseRequested: boolean;
  readonly primaryField: Uint8Array;
  readonly secondaryField: Uint8Array;
}

/** User Information item (PS3.8 9.3.2.3, PS3.7 D.3.3). */
export interface UserInformation {
  /** Maximum Length Received of P-DATA-TF variable fields; 0 means no limit (PS3.8 D.1). */
  readonly maxPduLength: number;
  readonly implementationClassUid: string;
  readonly implementationVersionName?: string;
  /** Asynchronous Operations Window (PS3.7 D.3.3.3): invoked, performed; absent means 1, 1. */
  readonly asyncOperations?: { readonly invoked: number; readonly performed: number };
  readonly roleSelections: readonly RoleSelection[];
  readonly extendedNegotiations: readonly ExtendedNegotiation[];
  readonly userIdentity?: UserIdentityRequest;
  /** The server response of User Identity Negotiation in an A-ASSOCIATE-AC (PS3.7 D.3.3.7.2). */
  readonly userIdentityResponse?: Uint8Array;
}

/** Presentation Context item of an A-ASSOCIATE-RQ (PS3.8 9.3.2.2). */
export interface PresentationContextProposal {
  /** Odd, 1-255 (PS3.8 9.3.2.2). */
  readonly id: number;
  readonly abstractSyntax: string;
  readonly transferSyntaxes: readonly string[];
}

/** Result/Reason of a Presentation Context item of an A-ASSOCIATE-AC (PS3.8 9.3.3.2). */
export const PresentationContextResult = {
  Acceptance: 0,
  UserRejection: 1,
  NoReason: 2,
  AbstractSyntaxNotSupported: 3,
  TransferSyntaxesNotSupported: 4,
} as const;
export type PresentationContextResultCode = (typeof PresentationContextResult)[keyof typeof PresentationContextResult];

/** Presentation Context item of an A-ASSOCIATE-AC (PS3.8 9.3.3.2). */
export interface PresentationContextAnswer {
  readonly id: number;
  readonly result: PresentationContextResultCode;
  /** The one accepted transfer syntax; not significant unless accepted. */
  readonly transferSyntax: string;
}

interface AssociateFields {
  /** Bit 0 set means version 1, the only one (PS3.8 9.3.2). */
  readonly protocolVersion: number;
  /** Trimmed of the padding spaces of the 16-byte field. */
  readonly calledAeTitle: string;
  readonly callingAeTitle: string;
  readonly applicationContext: string;
  readonly userInformation: UserInformation;
}

export interface AAssociateRQ extends AssociateFields {
  readonly type: typeof PduType.AAssociateRQ;
  readonly presentationContexts: readonly PresentationContextProposal[];
}

export interface AAssociateAC extends AssociateFields {
  readonly type: typeof PduType.AAssociateAC;
  readonly presentationContexts: readonly PresentationContextAnswer[];
}

/** A-ASSOCIATE-RJ Result, Source and Reason/Diag. (PS3.8 9.3.4 Table 9-21). */
export const RejectResult = { Permanent: 1, Transient: 2 } as const;
export const RejectSource = { ServiceUser: 1, ServiceProviderAcse: 2, ServiceProviderPresentation: 3 } as const;
/** Reasons when the source is the service user (1). */
export const RejectUserReason = {
  NoReasonGiven: 1,
  ApplicationContextNameNotSupported: 2,
  CallingAeTitleNotRecognized: 3,
  CalledAeTitleNotRecognized: 7,
} as const;
/** Reasons when the source is the service provider, ACSE (2). */
export const RejectAcseReason = { NoReasonGiven: 1, ProtocolVersionNotSupported: 2 } as const;
/** Reasons when the source is the service provider, presentation (3). */
export const RejectPresentationReason = { TemporaryCongestion: 1, LocalLimitExceeded: 2 } as const;

export interface AAssociateRJ {
  readonly type: typeof PduType.AAssociateRJ;
  readonly result: number;
  readonly source: number;
  readonly reason: number;
}

/** Presentation Data Value item (PS3.8 9.3.5.1) with its Message Control Header (PS3.8 E.2). */
export interface PresentationDataValue {
  readonly presentationContextId: number;
  /** Bit 0 of the message control header: a command fragment, else a data set fragment. */
  readonly command: boolean;
  /** Bit 1: the last fragment of the command or data set. */
  readonly last: boolean;
  /** A view of the received bytes, never a copy. */
  readonly data: Uint8Array;
}

export interface PDataTF {
  readonly type: typeof PduType.PDataTF;
  readonly values: readonly PresentationDataValue[];
}

export interface AReleaseRQ {
  readonly type: typeof PduType.AReleaseRQ;
}

export interface AReleaseRP {
  readonly type: typeof PduType.AReleaseRP;
}

/** A-ABORT Source and Reason/Diag. (PS3.8 9.3.8 Table 9-26). */
export const AbortSource = { ServiceUser: 0, ServiceProvider: 2 } as const;
export const AbortReason = {
  NotSpecified: 0,
  UnrecognizedPdu: 1,
  UnexpectedPdu: 2,
  UnrecognizedPduParameter: 4,
  UnexpectedPduParameter: 5,
  InvalidPduParameterValue: 6,
} as const;

export interface AAbort {
  readonly type: typeof PduType.AAbort;
  readonly source: number;
  /** Significant only when the source is the service provider. */
  readonly reason: number;
}

export type Pdu = AAssociateRQ | AAssociateAC | AAssociateRJ | PDataTF | AReleaseRQ | AReleaseRP | AAbort;
