/** File helpers every module uses: JSON trees, atomic writes, content digests, leftover temporary files, format errors. */
package io.flexigpt.io;
