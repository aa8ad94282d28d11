// The remote cache: a Turborepo remote-cache HTTP client, the artifact format, and their errors. build() uses them
// through remote-cache.ts when BuildOptions.remote is given.

export { RemoteCacheClient, DEFAULT_REMOTE_TIMEOUT_MS } from "./client.ts";
export { packArtifact, unpackArtifact, ARTIFACT_MAGIC, ARTIFACT_FORMAT, type ArtifactHeader } from "./artifact.ts";
export { RemoteCacheError, ArtifactError } from "./errors.ts";
