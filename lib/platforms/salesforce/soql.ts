/** SOQL as the Salesforce connector sends it: quoted values, every batch of a query, `IN` lists in URL-sized chunks. */
import type { Transport } from '../../transport/transport';

export interface QueryResult<Row = Record<string, unknown>> {
	totalSize: number;
	done: boolean;
	nextRecordsUrl?: string;
	records: Array<Row & { Id: string }>;
}

/** Values per `IN` list sent in a URL: 500 ids or addresses keep a query under Salesforce's 16 KB URL. */
export const IN_VALUES_PER_QUERY = 500;

export function soqlString(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Every row a query selects, following its nextRecordsUrl. */
export async function queryRows<Row>(transport: Transport, base: string, soql: string): Promise<Array<Row & { Id: string }>> {
	let result = await transport.request<QueryResult<Row>>({ method: 'GET', url: `${base}/query`, qs: { q: soql } });
	const rows = [...result.records];
	while (!result.done && result.nextRecordsUrl) {
		result = await transport.request<QueryResult<Row>>({ method: 'GET', url: result.nextRecordsUrl });
		rows.push(...result.records);
	}
	return rows;
}

/** The rows of `select` + ` IN (values)` + `tail`, one query per 500 values. */
export async function queryIn<Row>(transport: Transport, base: string, select: string, values: string[], tail = ''): Promise<Array<Row & { Id: string }>> {
	const rows: Array<Row & { Id: string }> = [];
	for (let start = 0; start < values.length; start += IN_VALUES_PER_QUERY) {
		const list = values.slice(start, start + IN_VALUES_PER_QUERY).map(soqlString).join(', ');
		rows.push(...(await queryRows<Row>(transport, base, `${select} IN (${list})${tail}`)));
	}
	return rows;
}
