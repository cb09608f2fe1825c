/** Implementation of the training facade: trained-weight selection, data order, checkpoints. */
package org.segearth.runtime.train.internal;
