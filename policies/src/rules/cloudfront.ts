/**
 * What keeps a CloudFront distribution's legs encrypted: the viewer and origin protocol policies and the
 * origin SSL protocols AWS accepts, and which of them never carry data in clear text
 * (`data/cloudfront-protocols.json`, with sources).
 */
import data from "../data/cloudfront-protocols.json";

export interface ProtocolChoices {
  /** Every value AWS accepts (any other spelling fails closed). */
  known: readonly string[];
  /** The values that keep the leg on TLS. */
  encrypted: readonly string[];
}

export const CLOUDFRONT_VIEWER_PROTOCOL_POLICIES: ProtocolChoices = data.viewerProtocolPolicy;
export const CLOUDFRONT_ORIGIN_PROTOCOL_POLICIES: ProtocolChoices = data.originProtocolPolicy;

/** Origin SSL protocols: every item must be one of `allowed` (TLS 1.2; CloudFront has no TLS 1.3-only choice). */
export const CLOUDFRONT_ORIGIN_SSL_PROTOCOLS: { known: readonly string[]; allowed: readonly string[] } =
  data.originSslProtocols;
