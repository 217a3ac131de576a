package io.raftkv.storage.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real {@link Disk}, on {@link FileChannel}. Stateless and safe to share between threads. */
public final class FileChannelDisk implements Disk {

  @Override
  public DiskFile open(Path file) throws IOException {
    return new ChannelFile(
        file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public DiskFile create(Path file) throws IOException {
    return new ChannelFile(
        file,
        FileChannel.open(
            file,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.CREATE_NEW));
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    // ATOMIC_MOVE is rename(2), which replaces the target atomically on POSIX file systems.
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
    }
    names.sort(null);
    return names;
  }

  @Override
  public boolean exists(Path file) {
    return Files.exists(file);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    // Opening a directory read-only and forcing it is how the JDK reaches fsync(2) on a directory
    // fd on Linux; it is what makes creations, renames and unlinks in it durable.
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public Closeable lock(Path file, String holder) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.CREATE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this process holds it already (another open of the same directory)
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String recorded = readHolder(channel);
      channel.close();
      throw new LockHeldException(file, recorded);
    }
    try {
      // Only the holder writes, and only after locking: a refused opener changes nothing.
      channel.truncate(0);
      byte[] text = (holder + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.wrap(text);
      while (b.hasRemaining()) {
        channel.write(b, b.position());
      }
    } catch (IOException | RuntimeException e) {
      channel.close(); // releases the lock
      throw e;
    }
    return channel::close; // closing the channel releases its lock
  }

  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(256);
    while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
      // read what the holder recorded (a short line)
    }
    String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
    return text.isEmpty() || text.contains("\n") ? null : text;
  }

  private static final class ChannelFile implements DiskFile {
    private final Path path;
    private final FileChannel channel;

    ChannelFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public long sizeBytes() throws IOException {
      return channel.size();
    }

    @Override
    public void write(long positionBytes, ByteBuffer src) throws IOException {
      long position = positionBytes;
      while (src.hasRemaining()) {
        position += channel.write(src, position);
      }
    }

    @Override
    public int read(long positionBytes, ByteBuffer dst) throws IOException {
      return channel.read(dst, positionBytes);
    }

    @Override
    public void sync() throws IOException {
      // force(false) is fdatasync(2): data plus the metadata needed to read it back (the size),
      // but not timestamps, which saves a journal write per sync.
      channel.force(false);
    }

    @Override
    public void truncate(long sizeBytes) throws IOException {
      channel.truncate(sizeBytes);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
