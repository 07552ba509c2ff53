import { leaseName, Leases } from '../store/leases';
import type { SqlDatabase, SqlExecutor } from '../store/types';

/**
 * `requested`: sent, or about to be, and its outcome not known yet (it still reserves its amount); `pending` and
 * `succeeded` as the processor reports them; `failed`: refused or failed at the processor, nothing refunded.
 */
export type RefundRowState = 'requested' | 'pending' | 'succeeded' | 'failed';

export interface RefundRow {
	refundId: string;
	paymentId: string;
	processor: string;
	amountMinor: number;
	currency: string;
	attempt: number;
	state: RefundRowState;
	processorRefundId?: string;
	processorStatus?: string;
	code?: string;
	message?: string;
	createdAt: string;
	updatedAt: string;
}

/** What a reservation needs to know of the payment: the captured amount is the ceiling of its refunds. */
export interface RefundReservation {
	refundId: string;
	paymentId: string;
	processor: string;
	currency: string;
	capturedMinor: number;
	/** Undefined: all that remains. */
	amountMinor?: number;
}

export type Reserved =
	/** A new request, or a new attempt after a refusal: send it. `resuming` when an earlier request may have refunded. */
	| { status: 'reserved'; row: RefundRow; resuming: boolean }
	| { status: 'over'; remainingMinor: number; refundedMinor: number }
	| { status: 'mismatch'; row: RefundRow }
	| { status: 'busy' };

/** The lease that serialises reservations against one payment, so two refund ids never share what remains. */
const reservationLease = (paymentId: string) => leaseName('payment-refunds', paymentId);

type Row = {
	refund_id: string;
	payment_id: string;
	processor: string;
	amount_minor: number | string;
	currency: string;
	attempt: number | string;
	state: RefundRowState;
	processor_refund_id: string | null;
	processor_status: string | null;
	code: string | null;
	message: string | null;
	created_at: string;
	updated_at: string;
};

/** Refunds of captured payments: one row per refund id, reserving its amount against the captured amount. */
export class RefundRepository {
	constructor(
		private readonly db: SqlDatabase,
		private readonly leaseMs: number,
		private readonly now: () => number,
	) {}

	async get(refundId: string, executor: SqlExecutor = this.db): Promise<RefundRow | undefined> {
		const [row] = await executor.query<Row>('SELECT * FROM payment_refunds WHERE refund_id = ?', [refundId]);
		return row && toRecord(row);
	}

	async forPayment(paymentId: string): Promise<RefundRow[]> {
		const rows = await this.db.query<Row>('SELECT * FROM payment_refunds WHERE payment_id = ? ORDER BY created_at, refund_id', [paymentId]);
		return rows.map(toRecord);
	}

	/**
	 * Reserves the refund's amount if it fits in what remains, in one transaction under the payment's reservation lease
	 * (`busy` when another execution holds it for a moment: try again). A row still `requested` is resumed as it was.
	 */
	async reserve(request: RefundReservation): Promise<Reserved> {
		const holder = new Leases(this.db, { ttlMs: this.leaseMs, now: this.now }).holder();
		try {
			return await this.db.transaction(async (tx): Promise<Reserved> => {
				if ((await holder.claimIn(tx, [reservationLease(request.paymentId)])).size === 0) return { status: 'busy' };
				const reserved = await this.reserveIn(tx, request);
				await holder.releaseIn(tx, [reservationLease(request.paymentId)]);
				return reserved;
			});
		} finally {
			holder.abandon();
		}
	}

	private async reserveIn(tx: SqlExecutor, request: RefundReservation): Promise<Reserved> {
		const existing = await this.get(request.refundId, tx);
		if (existing && (existing.paymentId !== request.paymentId || (existing.state !== 'failed' && request.amountMinor !== undefined && request.amountMinor !== existing.amountMinor))) {
			return { status: 'mismatch', row: existing };
		}
		if (existing && existing.state !== 'failed') return { status: 'reserved', row: existing, resuming: true };
		const [sum] = await tx.query<{ total: number | string | null }>(
			`SELECT SUM(amount_minor) AS total FROM payment_refunds WHERE payment_id = ? AND state <> 'failed'`,
			[request.paymentId],
		);
		const refundedMinor = Number(sum?.total ?? 0);
		const remainingMinor = request.capturedMinor - refundedMinor;
		const amountMinor = request.amountMinor ?? remainingMinor;
		if (remainingMinor <= 0 || amountMinor > remainingMinor) return { status: 'over', remainingMinor, refundedMinor };
		const stamp = new Date(this.now()).toISOString();
		if (existing) {
			await tx.run(
				`UPDATE payment_refunds SET amount_minor = ?, attempt = attempt + 1, state = 'requested', processor_refund_id = NULL, processor_status = NULL, code = NULL, message = NULL, updated_at = ?
				 WHERE refund_id = ? AND state = 'failed'`,
				[amountMinor, stamp, request.refundId],
			);
		} else {
			await tx.run(
				`INSERT INTO payment_refunds (refund_id, payment_id, processor, amount_minor, currency, attempt, state, created_at, updated_at)
				 VALUES (?, ?, ?, ?, ?, 1, 'requested', ?, ?)`,
				[request.refundId, request.paymentId, request.processor, amountMinor, request.currency, stamp, stamp],
			);
		}
		return { status: 'reserved', row: (await this.get(request.refundId, tx))!, resuming: false };
	}

	/** Records what the processor answered (or a refusal: `failed` frees the amount for other refunds). */
	async record(refundId: string, update: { state: RefundRowState; processorRefundId?: string; processorStatus?: string; code?: string; message?: string }): Promise<RefundRow> {
		await this.db.run(
			`UPDATE payment_refunds SET state = ?, processor_refund_id = COALESCE(?, processor_refund_id), processor_status = COALESCE(?, processor_status), code = ?, message = ?, updated_at = ?
			 WHERE refund_id = ?`,
			[update.state, update.processorRefundId ?? null, update.processorStatus ?? null, update.code ?? null, update.message?.slice(0, 500) ?? null, new Date(this.now()).toISOString(), refundId],
		);
		return (await this.get(refundId))!;
	}
}

function toRecord(row: Row): RefundRow {
	return {
		refundId: row.refund_id,
		paymentId: row.payment_id,
		processor: row.processor,
		amountMinor: Number(row.amount_minor),
		currency: row.currency,
		attempt: Number(row.attempt),
		state: row.state,
		processorRefundId: row.processor_refund_id ?? undefined,
		processorStatus: row.processor_status ?? undefined,
		code: row.code ?? undefined,
		message: row.message ?? undefined,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}
