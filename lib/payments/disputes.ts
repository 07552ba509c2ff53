/**
 * Disputes and chargebacks: each processor's dispute events read into one neutral dispute (`ProcessorDispute`), kept
 * once per processor dispute against the payment it challenges, and changed only by an event later than the one kept.
 */
import { platformDefinition } from '../platforms/catalog';
import type { DisputeState, ProcessorDispute } from '../platforms/disputes';
import { toMajorString } from '../records/money';
import type { SqlDatabase } from '../store/types';
import type { PaymentRepository } from './repository';

/** What an event did to the record: a dispute first heard of, a later state of one, or nothing new (a redelivery, or an event older than the one kept). */
export type DisputeChange = 'opened' | 'updated' | 'unchanged';

export interface DisputeRecord extends ProcessorDispute {
	processor: string;
	/** The merchant's payment id the router charged under, or undefined for a payment made elsewhere. */
	paymentId?: string;
	/** `amountMinor` in major units: "10.99". */
	amount: string;
	/** When this package first heard of the dispute, and last changed its record. */
	recordedAt: string;
	updatedAt: string;
}

export type DisputeOutcome = DisputeRecord & { change: DisputeChange };

/** For two events of one dispute stamped with the same instant: the one further along wins. */
const STATE_RANK: Record<DisputeState, number> = { needs_response: 0, under_review: 1, won: 2, lost: 2 };

type Row = {
	processor: string;
	dispute_id: string;
	payment_id: string | null;
	transaction_id: string;
	amount_minor: number | string;
	currency: string;
	reason: ProcessorDispute['reason'];
	processor_reason: string;
	state: DisputeState;
	processor_status: string;
	stage: ProcessorDispute['stage'];
	evidence_due_by: string | null;
	occurred_at: string;
	created_at: string;
	updated_at: string;
};

export class PaymentDisputes {
	constructor(
		private readonly db: SqlDatabase,
		private readonly payments: PaymentRepository,
		private readonly now: () => number = Date.now,
	) {}

	/**
	 * Records the dispute a processor's event reports (the event as its webhook delivered it: Stripe's event, PayPal's
	 * event, Square's event, Braintree's parsed notification). The first event of a dispute opens its record; a later
	 * one updates it; a redelivery or an older event changes nothing, however many arrive at once. An event that is no
	 * dispute of this processor is an InputError naming its fields.
	 */
	async record(processor: string, event: Record<string, unknown>): Promise<DisputeOutcome> {
		const reader = platformDefinition(processor).paymentWebhooks?.dispute;
		if (!reader) throw new Error(`${platformDefinition(processor).displayName} reports no disputes this package can read`);
		const dispute = reader(event);
		const paymentId = await this.payments.paymentIdOf(processor, dispute.transactionId);
		const stamp = new Date(this.now()).toISOString();
		const facts = [paymentId ?? null, dispute.transactionId, dispute.amountMinor, dispute.currency, dispute.reason, dispute.processorReason, dispute.state, STATE_RANK[dispute.state], dispute.processorStatus, dispute.stage, dispute.evidenceDueBy ?? null, dispute.occurredAt];
		const opened = await this.db.run(
			`INSERT INTO payment_disputes (processor, dispute_id, payment_id, transaction_id, amount_minor, currency, reason, processor_reason, state, state_rank, processor_status, stage, evidence_due_by, occurred_at, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (processor, dispute_id) DO NOTHING`,
			[processor, dispute.disputeId, ...facts, stamp, stamp],
		);
		let change: DisputeChange = 'opened';
		if (opened.changes === 0) {
			// One statement decides, so two deliveries of one event at once change the record once.
			const updated = await this.db.run(
				`UPDATE payment_disputes SET payment_id = COALESCE(?, payment_id), transaction_id = ?, amount_minor = ?, currency = ?, reason = ?, processor_reason = ?, state = ?, state_rank = ?,
				 processor_status = ?, stage = ?, evidence_due_by = ?, occurred_at = ?, updated_at = ?
				 WHERE processor = ? AND dispute_id = ? AND (occurred_at < ? OR (occurred_at = ? AND state_rank < ?))`,
				[...facts, stamp, processor, dispute.disputeId, dispute.occurredAt, dispute.occurredAt, STATE_RANK[dispute.state]],
			);
			change = updated.changes === 1 ? 'updated' : 'unchanged';
		}
		return { ...(await this.get(processor, dispute.disputeId))!, change };
	}

	async get(processor: string, disputeId: string): Promise<DisputeRecord | undefined> {
		const [row] = await this.db.query<Row>('SELECT * FROM payment_disputes WHERE processor = ? AND dispute_id = ?', [processor, disputeId]);
		return row && toRecord(row);
	}

	/** The disputes of one of the router's payments, oldest first. */
	async forPayment(paymentId: string): Promise<DisputeRecord[]> {
		const rows = await this.db.query<Row>('SELECT * FROM payment_disputes WHERE payment_id = ? ORDER BY created_at, dispute_id', [paymentId]);
		return rows.map(toRecord);
	}
}

function toRecord(row: Row): DisputeRecord {
	const amountMinor = Number(row.amount_minor);
	return {
		processor: row.processor,
		disputeId: row.dispute_id,
		...(row.payment_id ? { paymentId: row.payment_id } : {}),
		transactionId: row.transaction_id,
		amountMinor,
		amount: toMajorString(amountMinor, row.currency),
		currency: row.currency,
		reason: row.reason,
		processorReason: row.processor_reason,
		state: row.state,
		processorStatus: row.processor_status,
		stage: row.stage,
		...(row.evidence_due_by ? { evidenceDueBy: row.evidence_due_by } : {}),
		occurredAt: row.occurred_at,
		recordedAt: row.created_at,
		updatedAt: row.updated_at,
	};
}
