export { OtlpReceiver, type ReceivedSpan } from '../../bench/harness/otlp-receiver';
