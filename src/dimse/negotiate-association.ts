/**
 * The acceptor's answer to an A-ASSOCIATE-RQ (PS3.8 7.1.1, 9.3.3; PS3.7 D.3.3): pure, from the
 * request and our policy. A presentation context is accepted when its abstract syntax is
 * supported and one of its transfer syntaxes is; the first such syntax in the requestor's
 * order is chosen, so data sets arrive as the requestor holds them and pass through
 * untranscoded. SCP/SCU role selection is granted as proposed for accepted SOP classes
 * (C-GET needs the requestor as storage SCP, PS3.4 C.4.3.1).
 */
import {
  type AAssociateAC,
  type AAssociateRJ,
  type AAssociateRQ,
  DICOM_APPLICATION_CONTEXT,
  PduType,
  type PresentationContextAnswer,
  PresentationContextResult,
  RejectResult,
  RejectSource,
  RejectUserReason,
  type RoleSelection,
} from './pdu.js';

export interface AssociationPolicy {
  /** Our AE title; a request to any other called AE title is rejected (reason 7). */
  readonly aeTitle: string;
  readonly acceptsAbstractSyntax: (uid: string) => boolean;
  readonly acceptsTransferSyntax: (uid: string) => boolean;
  /** The Maximum Length Received we announce (PS3.8 D.1). */
  readonly maxPduLength: number;
  readonly implementationClassUid: string;
  readonly implementationVersionName: string;
}

/** A presentation context both sides agreed on, with the roles the requestor may take (PS3.7 D.3.3.4). */
export interface AcceptedPresentationContext {
  readonly id: number;
  readonly abstractSyntax: string;
  readonly transferSyntax: string;
  /** The requestor may invoke operations of this SOP class (the default role). */
  readonly requestorIsScu: boolean;
  /** The requestor may perform operations of this SOP class, e.g. receive C-GET's C-STORE sub-operations. */
  readonly requestorIsScp: boolean;
}

export type Negotiation =
  | { readonly kind: 'accept'; readonly accept: AAssociateAC; readonly contexts: readonly AcceptedPresentationContext[] }
  | { readonly kind: 'reject'; readonly reject: AAssociateRJ };

/** Rejects with service-user source (PS3.8 Table 9-21). */
export function userRejection(reason: number, result: number = RejectResult.Permanent): AAssociateRJ {
  return { type: PduType.AAssociateRJ, result, source: RejectSource.ServiceUser, reason };
}

export function negotiateAssociation(request: AAssociateRQ, policy: AssociationPolicy): Negotiation {
  if (request.applicationContext !== DICOM_APPLICATION_CONTEXT) {
    return { kind: 'reject', reject: userRejection(RejectUserReason.ApplicationContextNameNotSupported) };
  }
  if (request.calledAeTitle !== policy.aeTitle) {
    return { kind: 'reject', reject: userRejection(RejectUserReason.CalledAeTitleNotRecognized) };
  }
  const proposedRoles = new Map<string, RoleSelection>();
  for (const role of request.userInformation.roleSelections) proposedRoles.set(role.sopClassUid, role);
  const answers: PresentationContextAnswer[] = [];
  const contexts: AcceptedPresentationContext[] = [];
  const grantedRoles = new Map<string, RoleSelection>();
  for (const pc of request.presentationContexts) {
    if (!policy.acceptsAbstractSyntax(pc.abstractSyntax)) {
      answers.push({ id: pc.id, result: PresentationContextResult.AbstractSyntaxNotSupported, transferSyntax: pc.transferSyntaxes[0]! });
      continue;
    }
    const transferSyntax = pc.transferSyntaxes.find(policy.acceptsTransferSyntax);
    if (transferSyntax === undefined) {
      answers.push({ id: pc.id, result: PresentationContextResult.TransferSyntaxesNotSupported, transferSyntax: pc.transferSyntaxes[0]! });
      continue;
    }
    answers.push({ id: pc.id, result: PresentationContextResult.Acceptance, transferSyntax });
    // Without a role selection item the requestor is SCU only (PS3.7 D.3.3.4).
    const role = proposedRoles.get(pc.abstractSyntax);
    if (role) grantedRoles.set(role.sopClassUid, role);
    contexts.push({
      id: pc.id,
      abstractSyntax: pc.abstractSyntax,
      transferSyntax,
      requestorIsScu: role ? role.scuRole : true,
      requestorIsScp: role ? role.scpRole : false,
    });
  }
  const accept: AAssociateAC = {
    type: PduType.AAssociateAC,
    protocolVersion: 1,
    calledAeTitle: request.calledAeTitle,
    callingAeTitle: request.callingAeTitle,
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: answers,
    userInformation: {
      maxPduLength: policy.maxPduLength,
      implementationClassUid: policy.implementationClassUid,
      implementationVersionName: policy.implementationVersionName,
      roleSelections: [...grantedRoles.values()],
      extendedNegotiations: [],
    },
  };
  return { kind: 'accept', accept, contexts };
}
