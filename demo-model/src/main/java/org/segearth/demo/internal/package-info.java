/**
 * How the demo model's initial package is made: the checkpoint layouts as lists of
 * {@link org.segearth.demo.internal.ParamSpec} (key, shape, initialisation) derived from the same
 * {@code config.json} files the SDK's loaders read, and the seeded
 * {@link org.segearth.demo.internal.Initializer} that fills them.
 */
package org.segearth.demo.internal;
