package io.flexigpt.gpu;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * jqwik hook that skips properties with the reason when no OpenCL device is usable, except under
 * {@code CI=true}, where they run and fail on the missing device.
 */
public final class RequiresOpenCl implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        String reason = OpenClTestSupport.unavailableReason();
        if (reason == null || OpenClTestSupport.onCi()) return SkipResult.doNotSkip();
        return SkipResult.skip("no usable OpenCL device: " + reason);
    }
}
