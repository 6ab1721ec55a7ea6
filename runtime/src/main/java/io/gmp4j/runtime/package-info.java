/**
 * gmp4j's user API: {@link io.gmp4j.runtime.GoRuntime} (a running scheduler with its
 * goroutines), the static facade {@link io.gmp4j.runtime.Go}, and
 * {@link io.gmp4j.runtime.RuntimeStats}.
 */
package io.gmp4j.runtime;
