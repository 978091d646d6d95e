package dev.roost.server.devicelogs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A file being uploaded, cut at {@code limit} bytes: a write past it stores what fits and then
 * fails, so that the uploader sees an SFTP error and the file keeps its first {@code limit} bytes.
 */
final class LimitedChannel implements SeekableByteChannel {
    private final SeekableByteChannel file;
    private final long limit;
    private final Runnable cutOff;

    LimitedChannel(SeekableByteChannel file, long limit, Runnable cutOff) {
        this.file = file;
        this.limit = limit;
        this.cutOff = cutOff;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        long room = limit - file.position();
        if (source.remaining() <= room) {
            return file.write(source);
        }
        if (room > 0) {
            ByteBuffer fits = source.slice().limit((int) room);
            file.write(fits);
        }
        cutOff.run();
        throw new IOException("upload cut off: the limit is " + limit + " bytes");
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
        return file.read(target);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
