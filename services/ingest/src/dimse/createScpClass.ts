import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { Priority } from '@telerad/core';
import type { Runtime } from '@telerad/runtime';
import type { Logger } from '@telerad/telemetry';
import type { association, Scp as DimseScp, requests, responses } from 'dcmjs-dimse';
import dimse from 'dcmjs-dimse';
import { releaseInstanceBytes, spoolDirOf } from '../instanceBytes.js';
import { type IngestDeps, noteIntakeActive, storeInstance } from '../storeInstance.js';
import { parseCalledAeTitle } from './calledAeTitle.js';
import { C_STORE_STATUS, type CStoreFailure, cStoreFailureOf, failure } from './cStoreFailure.js';
import { DatasetCollector } from './DatasetCollector.js';
import { buildPart10File } from './part10File.js';
import { answerPresentationContext, trimUid } from './presentationContexts.js';

const { Scp, Dataset } = dimse;
const { CEchoResponse, CStoreResponse } = dimse.responses;
const { PresentationContextResult, RejectResult, RejectSource, RejectReason, Status } = dimse.constants;

export type ScpDeps = IngestDeps & Pick<Runtime, 'region'>;

/** Shared by every connection of one SCP: what it needs, and the C-STOREs still being stored. */
export interface ScpContext {
  deps: ScpDeps;
  inFlight: Set<Promise<unknown>>;
}

interface Caller {
  callingAeTitle: string;
  clinicId: string;
  clinicCode: string;
  priority?: Priority;
}

type Association = association.Association;
type CStoreRequest = requests.CStoreRequest;
type ScpOptions = ConstructorParameters<typeof Scp>[1];
export type ScpClass = new (socket: Socket, opts?: ScpOptions) => DimseScp;

/** The dcmjs-dimse SCP class of one telerad C-STORE SCP; one instance per TCP connection. */
export function createScpClass(context: ScpContext): ScpClass {
  const { deps } = context;
  return class TeleradScp extends Scp {
    private caller: Caller | undefined;
    /** Datasets being received; a collector leaves when its C-STORE request is handled. */
    private readonly collectors = new Map<CStoreRequest, DatasetCollector>();
    private readonly log: Logger;
    private readonly connection: Socket;

    constructor(socket: Socket, opts?: ScpOptions) {
      super(socket, opts);
      this.connection = socket;
      this.log = deps.logger.child({ component: 'c-store-scp', peer: `${socket.remoteAddress}:${socket.remotePort}` });
      // A connection that ends in the middle of a dataset leaves no spool file behind.
      socket.once('close', () => {
        for (const collector of this.collectors.values()) void collector.discard();
        this.collectors.clear();
      });
    }

    override associationRequested(association: Association): void {
      track(context, this.negotiate(association));
    }

    private async negotiate(association: Association): Promise<void> {
      const calledAeTitle = association.getCalledAeTitle().trim();
      const callingAeTitle = association.getCallingAeTitle().trim();
      const called = parseCalledAeTitle(deps.region.aeTitle, calledAeTitle);
      if (called === null) {
        this.log.info({ calledAeTitle, callingAeTitle }, 'association rejected: called AE title not recognized');
        this.sendAssociationReject(
          RejectResult.Permanent,
          RejectSource.ServiceUser,
          RejectReason.CalledAeNotRecognized,
        );
        return;
      }
      let clinic: { clinicId: string; clinicCode: string } | undefined;
      try {
        clinic = await deps.db.db
          .selectFrom('clinic_ae_title')
          .innerJoin('clinic', 'clinic.id', 'clinic_ae_title.clinic_id')
          .select(['clinic.id as clinicId', 'clinic.code as clinicCode'])
          .where('clinic_ae_title.ae_title', '=', callingAeTitle)
          .executeTakeFirst();
      } catch (error) {
        this.log.error({ err: error, callingAeTitle }, 'association rejected: looking up the calling AE title failed');
        this.sendAssociationReject(RejectResult.Transient, RejectSource.ServiceUser, RejectReason.NoReasonGiven);
        return;
      }
      if (clinic === undefined) {
        this.log.info({ calledAeTitle, callingAeTitle }, 'association rejected: calling AE title not recognized');
        this.sendAssociationReject(
          RejectResult.Permanent,
          RejectSource.ServiceUser,
          RejectReason.CallingAeNotRecognized,
        );
        return;
      }
      this.caller = { callingAeTitle, ...clinic, ...called };
      for (const { context: pc } of association.getPresentationContexts()) {
        const answer = answerPresentationContext(pc.getAbstractSyntaxUid(), pc.getTransferSyntaxUids());
        if (answer.accept) pc.setResult(PresentationContextResult.Accept, answer.transferSyntaxUid);
        else if (answer.reason === 'abstract-syntax-not-supported')
          pc.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
        else pc.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      }
      this.log.debug(
        { callingAeTitle, calledAeTitle, clinic: clinic.clinicCode, priority: called.priority },
        'association accepted',
      );
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    /** PS3.8 §9.2 (AA-3): on an A-ABORT the acceptor closes the transport; the peer waits for it. */
    override abort(source: number, reason: number): void {
      this.log.debug({ source, reason }, 'association aborted by the peer');
      this.connection.destroy();
    }

    override cEchoRequest(request: requests.CEchoRequest, callback: (response: responses.CEchoResponse) => void): void {
      const response = CEchoResponse.fromRequest(request);
      response.setStatus(Status.Success);
      callback(response);
    }

    /**
     * The dataset's bytes are kept as they come off the wire, in the accepted transfer syntax, after
     * the Part 10 header made from the request; past the spool threshold they go to a spool file.
     */
    override createStoreWritableStream(
      acceptedPresentationContext: association.PresentationContext,
      request: CStoreRequest,
    ): Writable {
      const transferSyntaxUid = acceptedPresentationContext.getAcceptedTransferSyntaxUid() ?? '';
      const callingAeTitle = this.caller?.callingAeTitle;
      const head = buildPart10File(
        {
          sopClassUid: trimUid(request.getAffectedSopClassUid()),
          sopInstanceUid: trimUid(request.getAffectedSopInstanceUid()),
          transferSyntaxUid,
          ...(callingAeTitle === undefined ? {} : { sourceAeTitle: callingAeTitle }),
        },
        new Uint8Array(0),
      );
      const collector = new DatasetCollector(transferSyntaxUid, deps.config.maxInstanceBytes, {
        spool: { dir: spoolDirOf(deps.config.dataDir) },
        head,
        connection: this.connection,
        onBytes: () => noteIntakeActive(deps),
      });
      this.collectors.set(request, collector);
      return collector;
    }

    /** No parse here: dcmjs would decode (and could not re-encode byte for byte) what we store as is. */
    override createDatasetFromStoreWritableStream(
      _writable: Writable,
      acceptedPresentationContext: association.PresentationContext,
      callback: (dataset: InstanceType<typeof Dataset>) => void,
    ): void {
      callback(new Dataset({}, acceptedPresentationContext.getAcceptedTransferSyntaxUid()));
    }

    override cStoreRequest(request: CStoreRequest, callback: (response: responses.CStoreResponse) => void): void {
      const collector = this.collectors.get(request);
      this.collectors.delete(request);
      track(
        context,
        this.store(request, collector).then((outcome) => {
          const response = CStoreResponse.fromRequest(request);
          response.setStatus(outcome.status);
          if (outcome.status !== C_STORE_STATUS.success) response.setErrorComment(outcome.comment);
          callback(response);
        }),
      );
    }

    /** Stores one instance; resolves to success only once it is durably stored and indexed. */
    private async store(request: CStoreRequest, collector: DatasetCollector | undefined): Promise<CStoreFailure> {
      const sopClassUid = trimUid(request.getAffectedSopClassUid());
      const sopInstanceUid = trimUid(request.getAffectedSopInstanceUid());
      const log = this.log.child({ callingAeTitle: this.caller?.callingAeTitle, sopInstanceUid });
      const outcome = await this.storeCollected(sopClassUid, sopInstanceUid, collector).catch((error: unknown) => {
        const refused = cStoreFailureOf(error);
        if (refused.label === 'internal') log.error({ err: error }, 'storing a C-STORE instance failed');
        return refused;
      });
      if (outcome.status === C_STORE_STATUS.success) {
        log.debug('C-STORE stored');
      } else {
        deps.metrics.instancesRejected.inc({ channel: 'c-store', reason: outcome.label });
        log.info(
          { status: `0x${outcome.status.toString(16).padStart(4, '0')}`, reason: outcome.label },
          'C-STORE refused',
        );
      }
      return outcome;
    }

    private async storeCollected(
      sopClassUid: string,
      sopInstanceUid: string,
      collector: DatasetCollector | undefined,
    ): Promise<CStoreFailure> {
      const caller = this.caller;
      if (caller === undefined || collector === undefined) {
        return failure(C_STORE_STATUS.cannotUnderstand, 'no dataset received for this request', 'invalid');
      }
      if (collector.tooLarge) {
        await collector.discard();
        const limitMb = Number((deps.config.maxInstanceBytes / 1024 / 1024).toPrecision(3));
        return failure(C_STORE_STATUS.outOfResources, `instance larger than the ${limitMb} MB limit`, 'too-large');
      }
      // The Part 10 file: the header built from the request, then the dataset as received.
      const file = await collector.takeBytes();
      try {
        // The file meta repeats the request's UIDs; a dataset naming others would make a file that
        // contradicts itself, so storeInstance refuses it before anything is stored.
        await storeInstance(deps, file, {
          expected: { sopClassUid, sopInstanceUid },
          clinicId: caller.clinicId,
          actor: `ae:${caller.callingAeTitle}`,
          channel: 'c-store',
          ...(caller.priority !== undefined ? { priority: caller.priority } : {}),
        });
      } finally {
        await releaseInstanceBytes(file);
      }
      return { status: C_STORE_STATUS.success, comment: '', label: 'stored' };
    }
  };
}

function track(context: ScpContext, work: Promise<unknown>): void {
  const settled = work.catch((error: unknown) => {
    context.deps.logger.error({ err: error }, 'C-STORE SCP handler failed');
  });
  context.inFlight.add(settled);
  void settled.finally(() => context.inFlight.delete(settled));
}
