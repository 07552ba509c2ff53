import { connectStandalone, platformDefinition } from '../platforms/catalog';
import type { PaymentConnector } from '../platforms/payments';
import type { RateBucketRepository } from '../store/rateBuckets';
import { paymentRetryPolicy } from './config';
import { Transport, type HttpClient, type RetryPolicy } from '../transport';

/** Where each processor lives and how to authenticate, outside n8n (benchmarks, checks, the demo). */
export interface ProcessorEndpoints {
	stripe?: { baseUrl: string; secretKey: string };
	square?: { baseUrl: string; accessToken: string };
	paypal?: { baseUrl: string; clientId: string; clientSecret: string };
	braintree?: { baseUrl: string; publicKey: string; privateKey: string };
}

export interface ConnectOptions {
	rateBuckets?: RateBucketRepository;
	retry?: Partial<RetryPolicy>;
	sleep?: (ms: number) => Promise<void>;
	/** Wraps each processor's HTTP client (fault injection in benchmarks, recording in tests). */
	client?: (inner: HttpClient, processor: string) => HttpClient;
}

/** One connector per configured processor, each behind its own transport with the vendor's authentication. */
export function connectProcessors(endpoints: ProcessorEndpoints, options: ConnectOptions = {}): Record<string, PaymentConnector> {
	const connectors: Record<string, PaymentConnector> = {};
	const add = (processor: string, baseUrl: string, client: HttpClient, secrets: string[]) => {
		const transport = new Transport({
			profile: platformDefinition(processor).profile(),
			client: options.client ? options.client(client, processor) : client,
			baseUrl,
			accountKey: baseUrl,
			rateBuckets: options.rateBuckets,
			retry: options.retry ?? paymentRetryPolicy,
			secrets,
			sleep: options.sleep,
		});
		connectors[processor] = platformDefinition(processor).payments!.connector(transport);
	};
	for (const [processor, values] of Object.entries(endpoints)) {
		if (!values) continue;
		const { client, baseUrl, secrets } = connectStandalone(processor, values);
		add(processor, baseUrl, client, secrets);
	}
	return connectors;
}
