// Container export (`lathe export --format docker`): a build context folder for Docker/Podman serving one model.
export { exportContainer, type ExportContainerOptions } from "./export.ts";
export { ContainerExportError } from "./errors.ts";
export { imageTag } from "./dockerfile.ts";
export type { ContainerArch } from "./runtime.ts";
