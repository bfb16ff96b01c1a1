// Where AWS calls go: real AWS, or a local emulator (moto) when AWS_ENDPOINT_URL is set.
export interface AwsEndpointSettings {
  /** Region for our own STS calls. */
  region: string;
  /** Override for every service (an emulator); S3 then uses path-style addressing. */
  endpoint?: string;
}
