package org.segearth.runtime.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import org.segearth.api.InvalidInputException;
import org.segearth.runtime.Messages;

/**
 * Resolves the file names that dataset annotations give inside the folder the layout names for
 * them. The folder itself may be a symbolic link (images kept on another disk); a name that leads
 * out of it ({@code ..}, an absolute path, a symbolic link pointing elsewhere) is refused, so
 * that an annotation file cannot make the reader open files outside the dataset.
 */
final class DatasetPaths {

    private DatasetPaths() {}

    /**
     * {@code folder.resolve(name)} once checked.
     *
     * @param where the file and record, for the message
     * @param field the field that gave {@code name}
     * @throws InvalidInputException when the path leaves {@code folder}
     */
    static Path inside(Path folder, String name, String where, String field) {
        Path relative;
        try {
            relative = name.isEmpty() || name.indexOf('\0') >= 0 ? null : folder.getFileSystem().getPath(name);
        } catch (InvalidPathException e) {
            relative = null;
        }
        if (relative == null) {
            throw refused(where, field, name, "is not a file name", folder);
        }
        if (relative.isAbsolute() || relative.getRoot() != null) {
            throw refused(where, field, name, "is an absolute path", folder);
        }
        Path base = folder.toAbsolutePath().normalize();
        Path resolved = base.resolve(relative).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw refused(where, field, name, "leads out of", folder);
        }
        if (Files.exists(resolved)) {
            try {
                Path realBase = base.toRealPath();
                Path real = resolved.toRealPath();
                if (!real.startsWith(realBase)) {
                    throw refused(where, field, name, "is a symbolic link to " + real + ", outside", folder);
                }
            } catch (IOException e) {
                throw new InvalidInputException(where + ": cannot resolve \"" + field + "\" '" + abbreviate(name)
                        + "' in " + folder + ": " + e.getMessage(), e);
            }
        }
        return folder.resolve(relative);
    }

    private static InvalidInputException refused(String where, String field, String name, String problem, Path folder) {
        return new InvalidInputException(where + ": \"" + field + "\" '" + abbreviate(name) + "' " + problem + " "
                + folder + "; dataset files must stay inside their folder");
    }

    /**
     * A short text of {@code o} for a message: at most 80 characters, rendered no further than
     * that (a value read from a pickle may share parts and be huge when printed in full).
     */
    static String abbreviate(Object o) {
        StringBuilder b = new StringBuilder();
        render(o, b, 0);
        return Messages.abbreviate(b.toString(), MESSAGE_CHARS);
    }

    private static final int MESSAGE_CHARS = 80;

    private static void render(Object o, StringBuilder b, int depth) {
        if (b.length() > MESSAGE_CHARS) {
            return;
        }
        if (depth > 8) {
            b.append("...");
        } else if (o instanceof Map<?, ?> m) {
            b.append('{');
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (b.length() > MESSAGE_CHARS) {
                    break;
                }
                render(e.getKey(), b, depth + 1);
                b.append(": ");
                render(e.getValue(), b, depth + 1);
                b.append(", ");
            }
            b.append('}');
        } else if (o instanceof Iterable<?> items && !(o instanceof Path)) {
            b.append('[');
            for (Object item : items) {
                if (b.length() > MESSAGE_CHARS) {
                    break;
                }
                render(item, b, depth + 1);
                b.append(", ");
            }
            b.append(']');
        } else if (o instanceof byte[] bytes) {
            b.append("bytes[").append(bytes.length).append(']');
        } else {
            String s = String.valueOf(o);
            b.append(s, 0, Math.min(s.length(), MESSAGE_CHARS + 1));
        }
    }
}
