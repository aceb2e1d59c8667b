/**
 * Running an {@code io.flexigpt.nn} model on a {@code ComputeBackend} (the CPU reference or an OpenCL
 * device): {@link io.flexigpt.nn.device.DeviceModel} reads the layers' structure (norms, attention
 * settings, projections as sums of weight products, branch scales) and evaluates it with the backend's
 * ops, so the layers themselves never name a device.
 */
package io.flexigpt.nn.device;
